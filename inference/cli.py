"""`memebot render`, `memebot template ...` and `memebot convert-checkpoint`: the inference side of the command line."""
from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from inference.backends import BACKENDS, BackendUnavailable, build_animator, choose_backend, require_fomm
from inference.errors import InputError
from inference.image_io import load_photo
from inference.label import DEFAULT_LABEL
from inference.provenance import ContentCredentials, ProvenanceError, Verdict, prepare_signing_files, read_verdict
from inference.templates import TemplateLibrary, clip_template

EXIT_BAD_INPUT = 2
# `memebot verify` on a file that is no soundly signed memebot video.
EXIT_NOT_MEMEBOT = 1


class CommandError(Exception):
    """A one-line message for the terminal, then exit status 2."""


def _progress_bar(description: str, unit: str = "frame"):
    bar = tqdm(desc=description, unit=unit, disable=not sys.stderr.isatty(), leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return bar, update


def _stage_bar():
    """Progress for ingest, which reports (stage, fraction)."""
    bar = tqdm(total=100, unit="%", disable=not sys.stderr.isatty(), leave=False)

    def update(stage: str, fraction: float) -> None:
        bar.set_description(stage, refresh=False)
        bar.n = round(fraction * 100)
        bar.refresh()

    return bar, update


def add_render_parser(commands, defaults: dict) -> None:
    parser = commands.add_parser("render", help="make a singing video from a photo")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--template", help="name of a template (see `memebot template list`)")
    source.add_argument("--driving", type=Path, help="a raw driving clip (cropped and measured once, then cached)")
    parser.add_argument("--image", type=Path, required=True, help="the face photo")
    parser.add_argument("--out", type=Path, required=True, help="the MP4 to write")
    parser.add_argument("--checkpoint", type=Path, default=defaults.get("checkpoint"),
                        help="FOMM checkpoint (.pth.tar or converted .safetensors)")
    parser.add_argument("--backend", choices=BACKENDS, default=defaults.get("backend"),
                        help="default: fomm when a checkpoint is configured, else landmarks")
    parser.add_argument("--no-paste-back", dest="paste_back", action="store_false",
                        help="output the 256x256 face crop only")
    parser.add_argument("--no-best-frame", dest="best_frame", action="store_false",
                        help="align to the clip's first frame")
    parser.add_argument("--label", default=defaults.get("label", DEFAULT_LABEL),
                        help="the visible AI-generated label text")
    parser.set_defaults(handler=_render, templates_dir=defaults["templates_dir"], cache_dir=defaults["cache_dir"],
                        signing=defaults.get("signing"))


def _render(args) -> None:
    from inference.render import RenderOptions, prepare_photo, render  # cv2 and dlib: only for this command

    _check_output(args.out)  # before any work: a wrong --out must not cost a whole render
    # A missing checkpoint or torch fails now, not after an ingest.
    backend = choose_backend(args.backend, args.checkpoint, runs_here=True)
    if args.signing is not None:
        prepare_signing_files(args.signing)
    prepared = prepare_photo(load_photo(args.image))
    if args.template:
        template = TemplateLibrary(args.templates_dir).get(args.template)
    else:
        bar, update = _stage_bar()
        with bar:
            template = clip_template(args.driving, args.cache_dir, progress=update,
                                     warn=lambda message: print(f"warning: {message}", file=sys.stderr))
    animator = build_animator(backend, args.checkpoint)
    print(f"backend: {backend}", file=sys.stderr)
    credentials = ContentCredentials(args.signing, template.meta.title, template.meta.credits) if args.signing else None
    bar, update = _progress_bar("rendering")
    with bar:
        stats = render(prepared, template, animator, args.out,
                       RenderOptions(paste_back=args.paste_back, label=args.label, best_frame=args.best_frame,
                                     credentials=credentials),
                       audio=template.audio_path, progress=update)
    print(f"wrote {stats.output}: a {template.meta.duration:.1f} s video, {stats.frames} frames, "
          f"{stats.width}x{stats.height}; rendered in {stats.seconds:.1f} s "
          f"({stats.frames_per_second:.1f} frames/s, {stats.backend})")


def _check_output(out: Path) -> None:
    if out.is_dir():
        raise CommandError(f"--out {out} is a folder; give the path of the MP4 to write, e.g. {out / 'meme.mp4'}")
    if not out.parent.is_dir():
        raise CommandError(f"--out {out}: the folder {out.parent} does not exist")


def add_template_parser(commands, defaults: dict) -> None:
    parser = commands.add_parser("template", help="add, list, show or remove song templates")
    parser.set_defaults(templates_dir=defaults["templates_dir"], max_duration=defaults.get("max_template_seconds"))
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="ingest a clip as a template")
    add.add_argument("name")
    add.add_argument("video", type=Path)
    add.add_argument("--title")
    add.add_argument("--start", type=float)
    add.add_argument("--end", type=float)
    add.add_argument("--credits", default="", help="who made the clip")
    add.add_argument("--source", default="", help="where the clip comes from")
    add.add_argument("--licence", default="", help="the clip's licence terms")
    add.add_argument("--replace", action="store_true", help="overwrite a template of the same name")
    add.set_defaults(handler=_template_add)
    actions.add_parser("list", help="list templates").set_defaults(handler=_template_list)
    show = actions.add_parser("show", help="show one template")
    show.add_argument("name")
    show.set_defaults(handler=_template_show)
    remove = actions.add_parser("remove", help="remove an added template")
    remove.add_argument("name")
    remove.set_defaults(handler=_template_remove)


def _template_add(args) -> None:
    from inference.templates.ingest import IngestLimits

    limits = IngestLimits(max_duration=args.max_duration) if args.max_duration else IngestLimits()
    bar, update = _stage_bar()
    with bar:
        template = TemplateLibrary(args.templates_dir).add(
            args.name, args.video, replace=args.replace, title=args.title, start=args.start, end=args.end,
            credits=args.credits, source=args.source, licence=args.licence, added_by="cli", limits=limits,
            progress=update, warn=lambda message: print(f"warning: {message}", file=sys.stderr),
        )
    meta = template.meta
    print(f"added {template.slug}: {meta.title}, {meta.duration:.1f} s, {template.frame_count} frames")


def _template_list(args) -> None:
    for template in TemplateLibrary(args.templates_dir).list():
        print(f"{template.slug:24} {template.meta.duration:5.1f} s  {template.meta.title}")


def _template_show(args) -> None:
    template = TemplateLibrary(args.templates_dir).get(args.name)
    for key, value in template.describe().items():
        print(f"{key:12} {value}")
    print(f"{'folder':12} {template.folder}")


def _template_remove(args) -> None:
    TemplateLibrary(args.templates_dir).remove(args.name)
    print(f"removed {args.name}")


def add_verify_parser(commands) -> None:
    parser = commands.add_parser("verify", help="check a video's content credentials (exit 0: a memebot video)")
    parser.add_argument("video", type=Path)
    parser.set_defaults(handler=_verify)


def _verify(args) -> int:
    verdict = read_verdict(args.video)
    print(f"{args.video.name}: {_describe(verdict)}")
    return 0 if verdict.state == "memebot" else EXIT_NOT_MEMEBOT


def _describe(verdict: Verdict) -> str:
    """A video's content credentials in one line."""
    if verdict.state == "memebot":
        return (f'a memebot video (AI-generated) of "{verdict.title}", made {verdict.made or "at an unknown time"}; '
                "its content credentials are valid")
    if verdict.state == "broken":
        return f"broken content credentials: the file was altered or damaged after signing ({verdict.problem})"
    if verdict.state == "other":
        return "content credentials from another tool, not memebot"
    return "no content credentials: not marked as a memebot video"


def add_convert_parser(commands) -> None:
    parser = commands.add_parser(
        "convert-checkpoint", help="convert an official FOMM checkpoint once into a fast-loading .safetensors file"
    )
    parser.add_argument("source", type=Path, help="vox-cpk.pth.tar or vox-adv-cpk.pth.tar")
    parser.add_argument("target", type=Path, help="the .safetensors file to write")
    parser.set_defaults(handler=_convert)


def _convert(args) -> None:
    require_fomm()
    from inference.fomm import CheckpointError, convert_checkpoint

    try:
        convert_checkpoint(args.source, args.target)
    except (CheckpointError, FileNotFoundError) as error:
        raise CommandError(str(error)) from None
    print(f"wrote {args.target}")


def run_handler(args) -> int:
    """Run a parsed command (its exit status: what the handler returns, by default 0); bad input is one line on
    stderr and exit status 2."""
    try:
        status = args.handler(args)
    except (InputError, BackendUnavailable, CommandError, ProvenanceError) as error:
        print(f"memebot: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FileNotFoundError as error:
        print(f"memebot: error: no such file: {error.filename}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return status or 0

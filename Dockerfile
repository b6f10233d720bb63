# Two images from one file:
#   docker build -t memebot .                             # target cpu (the default, last stage)
#   docker build --target cuda -t memebot:cuda .          # for render workers on NVIDIA GPUs
# Both install memebot[fomm]. The dependencies are installed from pyproject.toml alone, before any code is copied,
# so a code change rebuilds only the wheel and the last layers and does not download torch again. memebot itself
# is installed from its wheel, not editable: the shipped templates and the migrations travel inside its packages.

FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEMEBOT_DATA_DIR=/data
RUN useradd --create-home --uid 1000 memebot && mkdir /data && chown memebot /data
WORKDIR /app
COPY pyproject.toml ./
# The [project] dependencies and the fomm extra as a requirements file: installing them needs no code, so this layer
# stays cached until pyproject.toml changes.
RUN python -c "import tomllib; project = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(project['dependencies'] + project['optional-dependencies']['fomm']))" > /tmp/requirements.txt

# torch from PyPI is the CUDA build on Linux; the CPU index has the same version as 2.x.y+cpu, which pip prefers.
# dlib-bin and opencv-python-headless are wheels; libgl is not needed for the headless build.
FROM base AS deps-cpu
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -r /tmp/requirements.txt

# The PyPI torch wheel brings its CUDA runtime as nvidia-* wheels, so a plain Python image is enough: the host
# only needs the NVIDIA driver and Container Toolkit.
FROM base AS deps-cuda
RUN pip install -r /tmp/requirements.txt

# The wheel, built from the code alone (.dockerignore keeps tests, data, caches and build leftovers out).
FROM base AS wheel
COPY . /src
RUN pip wheel --no-deps --wheel-dir /wheels /src

# The code, the same in both images. site-packages is read-only to the memebot user, so FOMM keypoints of the
# shipped templates are cached under /data/cache/keypoints instead (see inference/templates/template.py).
FROM deps-cuda AS cuda
ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    MEMEBOT_DEVICE=cuda
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels && pip check
USER memebot
VOLUME /data
# Runs the installed command: its settings parse, its templates (shipped and in /data) read.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["memebot", "template", "list"]
CMD ["memebot", "worker"]

FROM deps-cpu AS cpu
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels && pip check
USER memebot
VOLUME /data
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["memebot", "template", "list"]
CMD ["memebot", "run"]

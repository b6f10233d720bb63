"""Worker processes: the only processes that touch user media (photos, clips, videos).

They run the tasks in `tasks` for the local queue, over a pipe (`process`, `serve`), or for the cluster, from the
broker (`cluster`). The bot process itself never decodes an image or a video.
"""

# Two images from one file:
#   docker build -t memebot .                             # target cpu (the default, last stage)
#   docker build --target cuda -t memebot:cuda .          # for render workers on NVIDIA GPUs
# The dependencies are installed from pyproject.toml alone, before any code is copied, so a code change
# rebuilds only the last layers and does not download torch again.

FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEMEBOT_DATA_DIR=/data
RUN useradd --create-home --uid 1000 memebot && mkdir /data && chown memebot /data
WORKDIR /app
COPY pyproject.toml ./
# The [project] dependencies as a requirements file: installing them needs no code, so this layer stays cached.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
    > /tmp/requirements.txt

# torch from PyPI is the CUDA build on Linux; the CPU index has the same version as 2.x.y+cpu, which pip prefers.
# dlib-bin and opencv-python-headless are wheels; libgl is not needed for the headless build.
FROM base AS deps-cpu
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -r /tmp/requirements.txt

# The PyPI torch wheel brings its CUDA runtime as nvidia-* wheels, so a plain Python image is enough: the host
# only needs the NVIDIA driver and Container Toolkit.
FROM base AS deps-cuda
RUN pip install -r /tmp/requirements.txt

# The code, the same in both images. Editable, so the shipped templates/ and migrations/ are found beside it.
FROM deps-cuda AS cuda
ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    MEMEBOT_DEVICE=cuda
COPY README.md ./
COPY bot bot
COPY inference inference
COPY synth synth
COPY bench bench
COPY migrations migrations
# Writable by memebot, so FOMM keypoints of the shipped templates can be cached for the container's life.
COPY --chown=memebot templates templates
RUN pip install --no-deps -e .
USER memebot
VOLUME /data
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["python", "-c", "import bot"]
CMD ["memebot", "worker"]

FROM deps-cpu AS cpu
COPY README.md ./
COPY bot bot
COPY inference inference
COPY synth synth
COPY bench bench
COPY migrations migrations
COPY --chown=memebot templates templates
RUN pip install --no-deps -e .
USER memebot
VOLUME /data
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["python", "-c", "import bot"]
CMD ["memebot", "run"]

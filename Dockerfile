FROM python:3.11-slim
WORKDIR /app
# dlib-bin and opencv-python-headless are wheels; libgl is not needed for the headless build.
COPY pyproject.toml README.md ./
COPY bot bot
COPY inference inference
COPY synth synth
COPY bench bench
COPY templates templates
COPY migrations migrations
# Editable, so the shipped templates/ and migrations/ are found beside the code.
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu -e . \
    && useradd --create-home memebot && mkdir /data && chown memebot /data
USER memebot
CMD ["memebot", "run"]

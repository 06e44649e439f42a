"""turnsafe turn-aware reward for TRL's GRPOTrainer (Python standard library only).

Printed by `npx turnsafe reward adapter trl`. Start the server first:
    npx turnsafe reward serve --judge <spec> --port 8790

    from turnsafe_trl import TurnsafeReward
    reward = TurnsafeReward("http://127.0.0.1:8790", group_size=training_args.num_generations)
    trainer = GRPOTrainer(model=..., reward_funcs=[reward], args=training_args, train_dataset=dataset)

Each call sends the whole batch in one POST /v1/rewards. Rollouts are grouped on the server by
(global step, dialogue id): the dialogue id is the dataset column `dialogue_column` (default
"dialogue_id"), else the prompt's text. The server waits until `group_size` rollouts of a group
arrived (pass num_generations when training on more than one process: each process then sends
only its share), or its group timeout, then answers. A rollout whose judge failed gets None, so
TRL leaves it out of the group statistics (advantage 0) rather than reading it as a reward of 0.
Images in an "images" or "image" column (PIL images, or anything with .save) are sent with the
first user turn. The object holds only plain settings, so it pickles (async GRPO workers).
"""

import base64
import io
import json
import os
import urllib.error
import urllib.request


class TurnsafeReward:
    def __init__(self, url="http://127.0.0.1:8790", group_size=None, dialogue_column="dialogue_id",
                 api_key_env="TURNSAFE_REWARD_KEY", timeout=300.0):
        self.url = url.rstrip("/")
        self.group_size = group_size
        self.dialogue_column = dialogue_column
        self.api_key_env = api_key_env
        self.timeout = timeout
        self.__name__ = "turnsafe_reward"  # TRL logs each reward function by name
        self.last_results = []  # the server's full answers of the last call (turns, extras, errors)

    def __call__(self, prompts, completions, completion_ids=None, **columns):
        state = columns.get("trainer_state")
        step = getattr(state, "global_step", 0) if state is not None else 0
        ids = columns.get(self.dialogue_column)
        images = columns.get("images") or columns.get("image")
        keys = [str(ids[i]) if ids is not None else _text(prompts[i]) for i in range(len(prompts))]
        items = []
        for i, (prompt, completion) in enumerate(zip(prompts, completions)):
            size = self.group_size or keys.count(keys[i])
            items.append({
                "messages": _messages(prompt, completion, images[i] if images is not None else None),
                "group": "%s:%s" % (step, keys[i]),
                "group_size": size,
            })
        try:
            results = _post(self.url + "/v1/rewards", {"items": items}, self.api_key_env, self.timeout)["results"]
        except (OSError, ValueError, KeyError) as error:
            self.last_results = [{"error": str(error)}] * len(items)
            return [None] * len(items)
        self.last_results = results
        return [None if result.get("error") else result["reward"] for result in results]


def _messages(prompt, completion, images):
    messages = [dict(m) for m in prompt] if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
    if isinstance(completion, list):
        messages += [dict(m) for m in completion]
    else:
        messages.append({"role": "assistant", "content": completion})
    parts = [_image_part(image) for image in (images if isinstance(images, list) else [images] if images is not None else [])]
    for message in messages:
        message["content"] = _parts(message.get("content"), parts if message["role"] == "user" else [])
        if message["role"] == "user" and parts:
            parts = []
    return messages


def _parts(content, images):
    parts = list(images)
    if isinstance(content, str):
        return parts + [{"type": "text", "text": content}] if parts else content
    for part in content or []:
        if part.get("type") == "text":
            parts.append({"type": "text", "text": part["text"]})
        elif part.get("type") == "image_url":
            parts.append(part)
        # {"type": "image"} is TRL's placeholder: the image itself comes from the images column.
    return parts


def _image_part(image):
    if isinstance(image, str):
        return {"type": "image_url", "image_url": {"url": image}}
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"type": "image_url", "image_url": {"url": "data:image/png;base64," + data}}


def _text(prompt):
    if isinstance(prompt, str):
        return prompt
    return json.dumps([m.get("content") for m in prompt], sort_keys=True, default=str)


def _post(url, body, api_key_env, timeout):
    headers = {"content-type": "application/json"}
    key = os.environ.get(api_key_env or "")
    if key:
        headers["authorization"] = "Bearer " + key
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))

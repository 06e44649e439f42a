"""turnsafe turn-aware reward for verl (Python standard library only).

Printed by `npx turnsafe reward adapter verl`. Start the server, then in the verl config:

    reward.custom_reward_function.path=/path/turnsafe_verl.py
    reward.custom_reward_function.name=compute_score          # or compute_score_async
    +reward.custom_reward_function.reward_kwargs.url=http://127.0.0.1:8790

compute_score(data_source, solution_str, ground_truth, extra_info) rewards one sample. verl does
not pass the GRPO group id (uid) to it, so the server can group samples only when your dataset's
extra_info carries "group" (and "group_size"); without it each sample is a group of one
(turn weights from its own shortfall). The conversation is extra_info["messages"] (OpenAI-style,
images as data URLs) followed by solution_str, else extra_info["prompt"] then solution_str.
It returns {"score": reward, ...extras}; on a failure {"score": fallback, "turnsafe_error": 1}.

TurnsafeRewardManager (defined only where verl is importable) is a reward-loop manager that
reads the uid of each sample and sends it as the group key with rollout.n as the group size,
which is what GRPO's turn weights need. Register it as your reward manager; its interface follows
verl's reward loop (async run_single on one sample), which changes between verl releases: check
it against your version.
"""

import asyncio
import json
import os
import urllib.request


def _post(url, body, timeout):
    headers = {"content-type": "application/json"}
    key = os.environ.get("TURNSAFE_REWARD_KEY")
    if key:
        headers["authorization"] = "Bearer " + key
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def _item(solution_str, extra_info, group=None, group_size=None):
    extra_info = extra_info or {}
    messages = [dict(m) for m in extra_info.get("messages") or []]
    if not messages and extra_info.get("prompt") is not None:
        prompt = extra_info["prompt"]
        messages = [dict(m) for m in prompt] if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
    messages.append({"role": "assistant", "content": solution_str})
    item = {"messages": messages}
    group = group if group is not None else extra_info.get("group")
    if group is not None:
        item["group"] = str(group)
        item["group_size"] = int(group_size if group_size is not None else extra_info.get("group_size", 1))
    return item


def compute_score(data_source, solution_str, ground_truth, extra_info=None, url=None, timeout=300.0,
                  fallback=0.0, **kwargs):
    url = (url or os.environ.get("TURNSAFE_REWARD_URL") or "http://127.0.0.1:8790").rstrip("/")
    try:
        result = _post(url + "/v1/rewards", _item(solution_str, extra_info), timeout)["results"][0]
    except (OSError, ValueError, KeyError, IndexError) as error:
        return {"score": float(fallback), "turnsafe_error": 1, "turnsafe_message": str(error)[:200]}
    scored = {"score": float(result["reward"]), "turnsafe_error": 1 if result.get("error") else 0}
    for name, value in (result.get("extras") or {}).items():
        scored["turnsafe_" + name] = value
    return scored


async def compute_score_async(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    return await asyncio.to_thread(compute_score, data_source, solution_str, ground_truth, extra_info, **kwargs)


try:  # pragma: no cover - only inside a verl installation
    from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase as _Base
except ImportError:  # verl absent (or moved): the functions above still work
    _Base = None

if _Base is not None:  # pragma: no cover

    class TurnsafeRewardManager(_Base):
        """Reward-loop manager sending each sample with its GRPO uid as the group key."""

        def __init__(self, config, tokenizer, compute_score=None, url="http://127.0.0.1:8790", group_size=8, **kwargs):
            super().__init__(config, tokenizer)
            self.url = url
            self.group_size = group_size

        async def run_single(self, data):
            sample = data[0]
            response_ids = sample.batch["responses"]
            length = int(sample.batch["attention_mask"][-response_ids.shape[-1]:].sum())
            solution = self.tokenizer.decode(response_ids[:length], skip_special_tokens=True)
            extra_info = dict(sample.non_tensor_batch.get("extra_info", {}) or {})
            uid = sample.non_tensor_batch.get("uid")
            item = _item(solution, extra_info, group=uid, group_size=self.group_size)
            try:
                result = (await asyncio.to_thread(_post, self.url + "/v1/rewards", item, 300.0))["results"][0]
                reward, error = float(result["reward"]), 1 if result.get("error") else 0
            except (OSError, ValueError, KeyError, IndexError):
                reward, error = 0.0, 1
            return {"reward_score": reward, "reward_extra_info": {"turnsafe_error": error}}

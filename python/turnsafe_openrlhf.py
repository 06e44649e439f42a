"""turnsafe turn-aware reward for OpenRLHF (Python standard library only).

Printed by `npx turnsafe reward adapter openrlhf`. Two ways in:

1. HTTP mode, no Python needed: point OpenRLHF at the server's compat route.
       npx turnsafe reward serve --judge <spec> --group-size <n_samples_per_prompt> --dialogues data.jsonl
       ... --reward.remote_url http://127.0.0.1:8790/compat/openrlhf     (older: --remote_rm_url)
   Put a JSON label on every prompt: {"dialogue_id": "<id>"} (its images are attached on the
   server from --dialogues; it is also the group key), optionally "group" and "group_size".

2. Python-file mode (--reward.remote_url /path/turnsafe_openrlhf.py, older --remote_rm_url):
   OpenRLHF calls reward_func(queries, prompts, labels) and this file forwards to the server.
   On failure every sample gets TURNSAFE_FALLBACK_REWARD (default 0) and
   extra_logs["turnsafe/request_error"] = 1 instead of raising.

3. Multi-turn agents (agent_func_path): TurnsafeAgent below scores the whole conversation
   once it ends and returns the reward on the last step (OpenRLHF sums per-step rewards).

Settings: TURNSAFE_REWARD_URL (default http://127.0.0.1:8790), TURNSAFE_REWARD_KEY (bearer key).
"""

import json
import os
import urllib.request

URL = os.environ.get("TURNSAFE_REWARD_URL", "http://127.0.0.1:8790").rstrip("/")
FALLBACK = float(os.environ.get("TURNSAFE_FALLBACK_REWARD", "0"))


def _post(path, body, timeout=180.0):
    headers = {"content-type": "application/json"}
    key = os.environ.get("TURNSAFE_REWARD_KEY")
    if key:
        headers["authorization"] = "Bearer " + key
    request = urllib.request.Request(URL + path, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def reward_func(queries, prompts, labels):
    """OpenRLHF's Python reward function: same lists in, rewards (and scores, logs) out."""
    try:
        reply = _post("/compat/openrlhf", {"query": list(queries), "prompts": list(prompts), "labels": list(labels)})
    except (OSError, ValueError) as error:
        rewards = [FALLBACK] * len(queries)
        return {"rewards": _tensor(rewards), "scores": _tensor(rewards),
                "extra_logs": {"turnsafe/request_error": _tensor([1.0]), "turnsafe/error": str(error)[:200]}}
    return {
        "rewards": _tensor(reply["rewards"]),
        "scores": _tensor(reply["scores"]),
        "extra_logs": {name: _tensor([value]) for name, value in reply.get("extra_logs", {}).items()},
    }


def _tensor(values):
    """A torch tensor when torch is importable (inside OpenRLHF), else the plain list."""
    try:
        import torch  # noqa: PLC0415 - optional, present in OpenRLHF

        return torch.tensor(values, dtype=torch.float)
    except ImportError:
        return list(values)


class TurnsafeAgent:
    """Example agent for agent_func_path: the conversation is scored once, on its last step.

    OpenRLHF's agent API calls `await step(observation, action, label)` each turn and expects a
    dict with rewards, scores, next_observation, done and extra_logs. `next_user_turn` is yours:
    it returns the next user message, or None to end (e.g. the next sub-query of a dialogue).
    """

    def __init__(self, next_user_turn, max_turns=8):
        self.next_user_turn = next_user_turn
        self.max_turns = max_turns
        self.turns = 0

    async def reset(self, states, **kwargs):
        self.turns = 0
        return {"observation": states["observation"]}

    async def step(self, states, **kwargs):
        observation = states["observation_text"] if "observation_text" in states else states["observation"]
        action = states["action_text"] if "action_text" in states else states["action"]
        label = states.get("label")
        self.turns += 1
        following = None if self.turns >= self.max_turns else self.next_user_turn(observation + action, label)
        if following is not None:
            return {"rewards": _tensor([0.0]), "scores": _tensor([0.0]), "environment_feedback": following,
                    "done": False, "extra_logs": {}}
        result = reward_func([observation + action], [""], [label])
        return {"rewards": result["rewards"], "scores": result["scores"], "environment_feedback": "",
                "done": True, "extra_logs": result["extra_logs"]}

"""OpenRLHF custom reward: `--remote_rm_url examples/openrlhf/reward_func.py --label_key label`.

Each dataset row's label is a JSON string such as {"task": "chart", "gt_img_path": "/data/ref/0.png"}. Judge and
task defaults come from VISUAL_ERM_JUDGE / VISUAL_ERM_TASK (read once when OpenRLHF loads this file).
"""

from visual_erm.adapters.openrlhf import reward_func  # noqa: F401  (OpenRLHF looks up `reward_func` here)

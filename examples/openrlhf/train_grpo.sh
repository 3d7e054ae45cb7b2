#!/usr/bin/env bash
# OpenRLHF GRPO with the Visual-ERM reward. Two ways to plug it in (not run in CI; needs GPUs and OpenRLHF):
#   REWARD=file   : the reward runs inside OpenRLHF's workers (examples/openrlhf/reward_func.py)
#   REWARD=server : the reward runs in `visual-erm serve` (one or more machines), OpenRLHF posts to /get_reward
set -euo pipefail
MODEL=${MODEL:-Qwen/Qwen3-VL-8B-Instruct}
DATA=${DATA:-data/visual_erm_openrlhf.jsonl}   # rows: {"prompt": ..., "images": [...], "label": "{\"task\": ..., \"gt_img_path\": ...}"}
REWARD=${REWARD:-file}
if [ "$REWARD" = "server" ]; then
    # on the reward host:  visual-erm serve --host 0.0.0.0 --port 5000 --image-root /data --api-key "$KEY"
    RM_URL=${RM_URL:-"http://reward-host:5000/get_reward?api_key=${KEY:-}"}
else
    RM_URL=$(cd "$(dirname "$0")" && pwd)/reward_func.py
fi

ray job submit --address="${RAY_ADDRESS:-http://127.0.0.1:8265}" -- python3 -m openrlhf.cli.train_ppo_ray \
    --pretrain "$MODEL" \
    --remote_rm_url "$RM_URL" \
    --prompt_data "$DATA" --input_key prompt --label_key label --apply_chat_template \
    --advantage_estimator group_norm --n_samples_per_prompt 8 \
    --rollout_batch_size 256 --train_batch_size 256 --micro_train_batch_size 2 --micro_rollout_batch_size 8 \
    --actor_learning_rate 1e-6 --init_kl_coef 0.01 --use_kl_loss --kl_estimator k3 \
    --prompt_max_len 2048 --generate_max_len 4096 \
    --vllm_num_engines 4 --vllm_tensor_parallel_size 2 --colocate_all_models \
    --zero_stage 3 --bf16 --gradient_checkpointing \
    --save_path checkpoints/qwen3vl_visual_erm "$@"

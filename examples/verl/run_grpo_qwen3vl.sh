#!/usr/bin/env bash
# GRPO for Qwen3-VL with the Visual-ERM reward, using the paper's settings:
# lr 1e-6, 256 prompts per batch, 8 rollouts per prompt, KL loss 0.01 (low_var_kl).
# The reference image reaches the reward through extra_info (gt_img_path, task_type), written by prepare_data.py.
# Not run in CI: needs GPUs, verl and vLLM. Adjust paths, GPU counts and lengths to your cluster.
set -euo pipefail

MODEL=${MODEL:-Qwen/Qwen3-VL-8B-Instruct}
DATA=${DATA:-data/visual_erm}
NNODES=${NNODES:-1}
GPUS=${GPUS:-8}
# Judge: "embedded" (CPU, no server) or "lvlm" against vLLM servers running the Visual-ERM checkpoint, e.g.
#   vllm serve internlm/Visual-ERM --limit-mm-per-prompt '{"image": 2}' --port 8001
JUDGE=${JUDGE:-embedded}
JUDGE_ENDPOINT=${JUDGE_ENDPOINT:-http://127.0.0.1:8001/v1}
REWARD_FILE=$(python -c "import visual_erm.adapters.verl as m; print(m.__file__)")
JUDGE_ARGS=(+custom_reward_function.reward_kwargs.judge="$JUDGE")
if [ "$JUDGE" = "lvlm" ]; then
    JUDGE_ARGS+=(+custom_reward_function.reward_kwargs.judge_options.endpoint="$JUDGE_ENDPOINT"
                 +custom_reward_function.reward_kwargs.judge_options.model=Visual-ERM)
fi

python3 -m verl.trainer.main_ppo \
    algorithm.adv_estimator=grpo \
    data.train_files="$DATA/train.parquet" \
    data.val_files="$DATA/val.parquet" \
    data.train_batch_size=256 \
    data.max_prompt_length=2048 \
    data.max_response_length=4096 \
    data.image_key=images \
    data.filter_overlong_prompts=True \
    actor_rollout_ref.model.path="$MODEL" \
    actor_rollout_ref.actor.optim.lr=1e-6 \
    actor_rollout_ref.actor.ppo_mini_batch_size=64 \
    actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=2 \
    actor_rollout_ref.actor.use_kl_loss=True \
    actor_rollout_ref.actor.kl_loss_coef=0.01 \
    actor_rollout_ref.actor.kl_loss_type=low_var_kl \
    actor_rollout_ref.actor.entropy_coeff=0 \
    actor_rollout_ref.model.enable_gradient_checkpointing=True \
    actor_rollout_ref.actor.fsdp_config.param_offload=False \
    actor_rollout_ref.rollout.name=vllm \
    actor_rollout_ref.rollout.n=8 \
    actor_rollout_ref.rollout.tensor_model_parallel_size=2 \
    actor_rollout_ref.rollout.gpu_memory_utilization=0.6 \
    actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=4 \
    actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=4 \
    algorithm.use_kl_in_reward=False \
    reward_model.reward_manager=batch \
    custom_reward_function.path="$REWARD_FILE" \
    custom_reward_function.name=compute_score_batch \
    "${JUDGE_ARGS[@]}" \
    +custom_reward_function.reward_kwargs.policy=auto \
    trainer.logger='["console","wandb"]' \
    trainer.project_name=visual_erm \
    trainer.experiment_name=qwen3vl8b_grpo_visual_erm \
    trainer.n_gpus_per_node="$GPUS" \
    trainer.nnodes="$NNODES" \
    trainer.save_freq=50 \
    trainer.test_freq=25 \
    trainer.total_epochs=1 "$@"

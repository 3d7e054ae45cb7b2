"""reward_batch(backend="ray") and the Ray Serve runner on a local Ray cluster (2 CPUs)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.ray, pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'visual-erm[ray]')")

from visual_erm.render import render_code  # noqa: E402
from visual_erm.reward import reward_batch  # noqa: E402

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect x="10" y="10" width="50" height="50" '
       'fill="#d62728"/><circle cx="70" cy="70" r="20" fill="#1f77b4"/></svg>')
OTHER = ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle cx="30" cy="30" r="25" '
         'fill="#2ca02c"/></svg>')


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield ray
    try:
        from ray import serve

        serve.shutdown()
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    from visual_erm.images import encode_png

    rendering = render_code("svg", SVG)
    assert rendering.ok
    path = tmp_path_factory.mktemp("ray") / "ref.png"
    path.write_bytes(encode_png(rendering.image))
    return str(path)


def test_reward_batch_on_ray_matches_local_in_order(cluster, reference):
    completions = [SVG, OTHER, "no code", f"```svg\n{SVG}\n```", OTHER, "<svg><rect"]
    for policy in ("auto", "paper"):
        remote = reward_batch("svg", completions, reference, backend="ray", policy=policy)
        local = reward_batch("svg", completions, reference, backend="local", policy=policy)
        assert [r.rendering.ok for r in remote] == [r.rendering.ok for r in local]
        assert [r.score for r in remote] == pytest.approx([r.score for r in local])
        assert [r.policy for r in remote] == [r.policy for r in local]
    assert remote[2].rendering.failure.value == "no_code" and remote[2].verdict is None
    assert cluster.cluster_resources().get("CPU") == 2


def test_ray_serve_runner_renders_judges_and_rewards(cluster, reference):
    from visual_erm.images import load_image
    from visual_erm.serve.app import ServeConfig
    from visual_erm.serve.ray_backend import RayServeOptions, RayServeRunner

    runner = RayServeRunner(ServeConfig(), RayServeOptions(max_replicas=1, chunk_size=2, render_cpus=0.5,
                                                           judge_cpus=0.5))
    try:
        renderings = runner.render(["svg"] * 3, [SVG, OTHER, "nothing"])
        assert [r.ok for r in renderings] == [True, True, False]
        ref = load_image(reference)
        assert (renderings[0].image == ref).all()
        verdicts = runner.judge_pairs(["svg"], [ref], [renderings[1].image], judge="embedded", judge_options=None)
        assert verdicts[0].task == "svg"
        results = runner.reward(["svg"] * 3, [SVG, OTHER, "nothing"], [ref] * 3, judge="embedded",
                                judge_options=None, policy="auto")
        local = reward_batch("svg", [SVG, OTHER, "nothing"], reference)
        assert [r.score for r in results] == pytest.approx([r.score for r in local])
    finally:
        runner.close()

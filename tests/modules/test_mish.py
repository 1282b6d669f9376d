"""The flow's one-exp Mish and the optional torch.compile of the velocity MLP give the same numbers as the eager
reference (torch's own Mish / the uncompiled flow)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from tensordict import TensorDict

from genpo_rsl import GenPOActor
from genpo_rsl.modules.mish import Mish, mish


def test_mish_values_and_slope_match_torch_over_the_whole_range():
    x = torch.linspace(-60.0, 60.0, 40001, dtype=torch.float64, requires_grad=True)
    ours, ref = mish(x), F.mish(x)
    assert torch.allclose(ours, ref, rtol=0, atol=1e-13)
    g_ours, g_ref = (torch.autograd.grad(y.sum(), x)[0] for y in (ours, ref))
    assert torch.allclose(g_ours, g_ref, rtol=0, atol=1e-13)
    x32 = torch.randn(4096, 64) * 8
    assert (mish(x32) - F.mish(x32)).abs().max() < 2e-6
    assert torch.isfinite(mish(torch.tensor([-1e30, -100.0, 100.0, 1e30]))).all()


def test_mish_gradcheck_double_backward_and_functorch():
    x = (torch.randn(24, dtype=torch.float64) * 4).requires_grad_()
    assert torch.autograd.gradcheck(mish, (x,))
    assert torch.autograd.gradgradcheck(mish, (x,))  # jacrev + loss.backward (the Jacobian baseline) needs it
    v = torch.randn(5, 3, dtype=torch.float64)
    jac = torch.func.vmap(torch.func.jacrev(mish))(v)
    ref = torch.func.vmap(torch.func.jacrev(F.mish))(v)
    assert torch.allclose(jac, ref, atol=1e-12)


def test_mish_module_scripts_and_runs_without_autograd():
    scripted = torch.jit.script(Mish())
    x = torch.randn(7, 5)
    assert torch.allclose(scripted(x), F.mish(x), atol=2e-6)
    with torch.inference_mode():
        assert torch.allclose(Mish()(x), F.mish(x), atol=2e-6)


@pytest.mark.filterwarnings("ignore")
def test_torch_compile_matches_eager_and_keeps_checkpoints_and_export():
    torch.manual_seed(0)
    obs = TensorDict({"policy": torch.randn(64, 12)}, batch_size=[64])
    kwargs = {"num_flow_steps": 3, "time_embed_dim": 8, "time_hidden_dims": [16]}
    eager = GenPOActor(obs, {"actor": ["policy"]}, "actor", 3, [32, 32], "mish", **kwargs)
    compiled = GenPOActor(obs, {"actor": ["policy"]}, "actor", 3, [32, 32], "mish", **kwargs)
    compiled.flow.compile_velocity()
    compiled.load_state_dict(eager.state_dict())  # same keys: a compiled run's checkpoint loads in an eager one
    assert sorted(compiled.state_dict()) == sorted(eager.state_dict())
    with torch.inference_mode():
        dummy, z, _ = compiled.sample(obs)
    dummy, z = dummy.clone(), z.clone()
    lp_c, z_c = compiled.log_prob(obs, dummy)
    lp_e, z_e = eager.log_prob(obs, dummy)
    assert (z_c - z).abs().max() < 1e-5 and (z_c - z_e).abs().max() < 1e-5
    lp_c.sum().backward()
    lp_e.sum().backward()
    for (name, p_c), p_e in zip(compiled.named_parameters(), eager.parameters()):
        assert torch.allclose(p_c.grad, p_e.grad, rtol=1e-4, atol=1e-5), name
    # functorch transforms and export run the eager velocity
    assert torch.allclose(
        compiled.flow.forward_log_det_autograd(z[:2], obs["policy"][:2]),
        torch.full((2,), compiled.flow.log_det),
        atol=1e-4,
    )
    scripted = torch.jit.script(compiled.as_jit())
    assert torch.allclose(scripted(obs["policy"]), eager(obs), atol=1e-5)


@pytest.mark.filterwarnings("ignore")
def test_runner_torch_compile_mode_compiles_the_flow_and_the_critic(tmp_path):
    from rsl_rl.runners import OnPolicyRunner

    from genpo_rsl.toy_env import PointReachEnv, train_cfg

    cfg = train_cfg("genpo")
    cfg["torch_compile_mode"] = "default"  # rsl_rl's runner key (IsaacLab: agent.torch_compile_mode=default)
    runner = OnPolicyRunner(PointReachEnv(num_envs=32), cfg, log_dir=None, device="cpu")
    alg = runner.alg
    assert alg.actor is alg._raw_actor and alg._raw_actor.flow.velocity._compiled is not None
    assert alg.critic is not alg._raw_critic  # compiled as PPO does
    runner.learn(2)
    path = tmp_path / "model.pt"
    runner.save(str(path))
    eager = OnPolicyRunner(PointReachEnv(num_envs=32), train_cfg("genpo"), log_dir=None, device="cpu")
    eager.load(str(path))  # same state-dict keys: a compiled run's checkpoint loads in an eager one
    obs = runner.env.get_observations()
    with torch.no_grad():
        dummy, z, _ = alg._raw_actor.sample(obs)
        z_eager = eager.alg._raw_actor.log_prob(obs, dummy)[1]
    assert (z_eager - z).abs().max() < 1e-5
    with pytest.raises(ValueError, match="reduce-overhead"):
        alg.compile("reduce-overhead")


def test_a_machine_that_cannot_compile_falls_back_to_eager_with_a_warning():
    from torch._dynamo.exc import BackendCompilerFailed

    from genpo_rsl.modules.flow import GenPOFlow

    torch.manual_seed(0)
    flow = GenPOFlow(2, 3, [16], "mish", num_flow_steps=2, time_embed_dim=4, time_hidden_dims=[8])
    z, obs = torch.randn(5, 4), torch.randn(5, 3)
    expected = flow(z, obs)

    def cannot_compile(u: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        raise BackendCompilerFailed(cannot_compile, RuntimeError("no C++ compiler found"), None)

    flow.velocity._compiled = cannot_compile
    with pytest.warns(UserWarning, match="torch.compile failed .*no C\\+\\+ compiler.*eagerly"):
        assert torch.allclose(flow(z, obs), expected)
    assert flow.velocity._compiled is None

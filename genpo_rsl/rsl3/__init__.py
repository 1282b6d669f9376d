"""GenPO adapter for rsl-rl-lib 3.x (IsaacLab 2.x): ``GenPOActorCritic`` (an ``ActorCritic``), its recurrent
``GenPOActorCriticRecurrent`` and ``GenPO`` (a ``PPO``).

Select them in an existing ``RslRlOnPolicyRunnerCfg`` with ``policy.class_name="genpo_rsl.GenPOActorCritic"`` and
``algorithm.class_name="genpo_rsl.GenPO"`` after ``import genpo_rsl`` (see :mod:`genpo_rsl.rsl3.runner_names`).
The flow math is :class:`genpo_rsl.modules.flow.GenPOFlow`, shared with the rsl-rl-lib 5.x adapter.
"""

from genpo_rsl.utils.rsl_version import require_rsl_rl_major

require_rsl_rl_major(3, "genpo_rsl.rsl3")

from genpo_rsl.rsl3.actor_critic import GenPOActorCritic  # noqa: E402
from genpo_rsl.rsl3.actor_critic_recurrent import GenPOActorCriticRecurrent  # noqa: E402
from genpo_rsl.rsl3.flow_actor import FlowActor  # noqa: E402
from genpo_rsl.rsl3.genpo import GenPO  # noqa: E402
from genpo_rsl.rsl3.runner_names import register_runner_names  # noqa: E402

register_runner_names()

__all__ = ["FlowActor", "GenPO", "GenPOActorCritic", "GenPOActorCriticRecurrent", "register_runner_names"]

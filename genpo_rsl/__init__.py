"""GenPO for stock rsl-rl-lib: an invertible flow actor and a PPO subclass, selected by ``class_name``.

Use ``class_name="genpo_rsl:GenPO"`` for the algorithm and ``class_name="genpo_rsl:GenPOActor"`` for the actor.
"""

from genpo_rsl.actor import GenPOActor
from genpo_rsl.flow import GenPOFlow
from genpo_rsl.genpo import GenPO

__all__ = ["GenPO", "GenPOActor", "GenPOFlow"]
__version__ = "0.1.0"

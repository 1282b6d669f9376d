"""The flow and its parts, independent of the rsl-rl-lib version: the invertible flow (:mod:`.flow`), its velocity
field (:mod:`.velocity`), time embedding, Mish, base noise (:mod:`.base_noise`), the CFM policy of FPO++ (:mod:`.cfm`),
the flow actor's shared behaviour (:mod:`.policy`), the policy-weight EMA and the CUDA-graph replay of the flow."""

"""The offline asset root built from the ``newton`` wheel (``genpo-assets --offline DEST``)."""

from __future__ import annotations

import pytest

pytest.importorskip("isaaclab")
pytest.importorskip("newton")
pytestmark = pytest.mark.isaaclab

from isaaclab_task_sizes import ROBOT_JOINTS  # noqa: E402
from pxr import Usd, UsdPhysics  # noqa: E402

from isaaclab_tasks_ext.assets import ANT, CARTPOLE, GROUND_PLANE, HUMANOID, HUMANOID_JOINT_RENAMES, main  # noqa: E402


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> object:
    """Build the asset root once through the console-script entry point."""
    dest = tmp_path_factory.mktemp("il_assets")
    assert main(["--offline", str(dest)]) == 0
    return dest


AXES = ("transX", "transY", "transZ", "rotX", "rotY", "rotZ")


def _joints(path) -> list[str]:
    """Names of the non-fixed physics joints of a USD file."""
    stage = Usd.Stage.Open(str(path))
    return [p.GetName() for p in stage.Traverse() if p.IsA(UsdPhysics.Joint) and not p.IsA(UsdPhysics.FixedJoint)]


def _dof(path) -> int:
    """Degrees of freedom: 1 per revolute/prismatic joint, the free axes (low <= high) of each generic D6 joint."""
    stage = Usd.Stage.Open(str(path))
    dof = 0
    for prim in stage.Traverse():
        if prim.IsA(UsdPhysics.RevoluteJoint) or prim.IsA(UsdPhysics.PrismaticJoint):
            dof += 1
        elif prim.GetTypeName() == "PhysicsJoint":
            for axis in AXES:
                low, high = (prim.GetAttribute(f"limit:{axis}:physics:{k}").Get() for k in ("low", "high"))
                dof += low is None or high is None or low <= high
    return dof


def test_ground_plane(root) -> None:
    """A Z-up collision plane under the default prim ``GroundPlane``."""
    stage = Usd.Stage.Open(str(root / GROUND_PLANE))
    assert stage.GetDefaultPrim().GetName() == "GroundPlane"
    plane = stage.GetPrimAtPath("/GroundPlane/CollisionPlane")
    assert plane.GetTypeName() == "Plane" and plane.HasAPI(UsdPhysics.CollisionAPI)


def test_cartpole_default_prim_fixed(root) -> None:
    """newton's file says ``cartPole``; IsaacLab needs the existing root prim ``cartpole``."""
    stage = Usd.Stage.Open(str(root / CARTPOLE))
    assert stage.GetDefaultPrim().GetPath().pathString == "/cartpole"
    assert sorted(_joints(root / CARTPOLE)) == sorted(ROBOT_JOINTS["cartpole.usd"])
    assert _dof(root / CARTPOLE) == 2


def test_humanoid_joint_renames(root) -> None:
    """The five joints carry IsaacLab's names; 21 degrees of freedom as the size table assumes."""
    joints = _joints(root / HUMANOID)
    assert set(HUMANOID_JOINT_RENAMES.values()) <= set(joints)
    assert not set(HUMANOID_JOINT_RENAMES) & set(joints)
    assert _dof(root / HUMANOID) == len(ROBOT_JOINTS["humanoid_instanceable.usd"]) == 21


def test_ant_joint_count(root) -> None:
    """Eight degrees of freedom, as the size table assumes."""
    assert _dof(root / ANT) == len(ROBOT_JOINTS["ant_instanceable.usd"]) == 8

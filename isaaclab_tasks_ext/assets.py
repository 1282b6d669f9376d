"""Build an offline ``ISAACSIM_ASSET_ROOT`` from files shipped in the ``newton`` wheel (Cartpole, Ant, Humanoid).

Paths under the root mirror NVIDIA's asset bucket, so IsaacLab resolves ``{ISAAC_NUCLEUS_DIR}/...`` to them.
Only the ground plane is written from scratch; the robots are newton's USDA files with two fixes (see below).
"""

from __future__ import annotations

from pathlib import Path

GROUND_PLANE = "Isaac/IsaacLab/Environments/Grid/default_ground_plane_checker_v1/default_ground_plane.usda"
CARTPOLE = "Isaac/IsaacLab/Robots/Classic/Cartpole/cartpole.usd"
ANT = "Isaac/Robots/IsaacSim/Ant/ant_instanceable.usd"
HUMANOID = "Isaac/Robots/IsaacSim/Humanoid/humanoid_instanceable.usd"

HUMANOID_JOINT_RENAMES: dict[str, str] = {
    "abdomen_x": "pelvis",
    "right_knee": "right_shin",
    "left_knee": "left_shin",
    "right_elbow": "right_lower_arm",
    "left_elbow": "left_lower_arm",
}
"""newton's humanoid joint prim → the name IsaacLab's ``HUMANOID_CFG`` expects."""

GROUND_PLANE_USDA = """#usda 1.0
(
    defaultPrim = "GroundPlane"
    metersPerUnit = 1
    upAxis = "Z"
)

def Xform "GroundPlane"
{
    def Plane "CollisionPlane" (
        prepend apiSchemas = ["PhysicsCollisionAPI"]
    )
    {
        uniform token axis = "Z"
        double length = 100
        double width = 100
        uniform token purpose = "default"
    }
}
"""


def build_offline_assets(dest: str | Path) -> dict[str, Path]:
    """Write the ground plane, Cartpole, Ant and Humanoid under ``dest``; return name → written path."""
    from newton.examples import get_asset

    root = Path(dest).resolve()
    written = {"ground_plane": _write_text(root / GROUND_PLANE, GROUND_PLANE_USDA)}
    written["cartpole"] = _export_usd(get_asset("cartpole_single_pendulum.usda"), root / CARTPOLE, "cartpole", {})
    written["ant"] = _export_usd(get_asset("ant.usda"), root / ANT, None, {})
    written["humanoid"] = _export_usd(get_asset("humanoid.usda"), root / HUMANOID, None, HUMANOID_JOINT_RENAMES)
    return written


def _write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _export_usd(src: str, dst: Path, default_prim: str | None, renames: dict[str, str]) -> Path:
    """Copy the USD layer ``src`` to ``dst`` with an optional new ``defaultPrim`` and prim renames."""
    from pxr import Sdf

    layer = Sdf.Layer.FindOrOpen(src)
    if layer is None:
        raise FileNotFoundError(f"newton asset not found: {src}")
    out = Sdf.Layer.CreateAnonymous(".usda")
    out.TransferContent(layer)
    if default_prim is not None:
        if out.GetPrimAtPath(f"/{default_prim}") is None:
            raise ValueError(f"{src} has no root prim '/{default_prim}' to make the defaultPrim.")
        out.defaultPrim = default_prim
    _rename_prims(out, renames, src)
    dst.parent.mkdir(parents=True, exist_ok=True)
    if not out.Export(str(dst)):
        raise OSError(f"could not write {dst}")
    return dst


def _rename_prims(layer, renames: dict[str, str], src: str) -> None:
    """Rename every prim named like a key of ``renames``; each key must occur exactly once."""
    found: dict[str, list] = {old: [] for old in renames}

    def visit(path) -> None:
        """Collect prim paths whose name is to be renamed."""
        if path.IsPrimPath() and path.name in found:
            found[path.name].append(path)

    layer.Traverse(layer.pseudoRoot.path, visit)
    for old, paths in found.items():
        if len(paths) != 1:
            raise ValueError(f"{src}: expected one prim named '{old}', found {len(paths)}.")
        layer.GetPrimAtPath(paths[0]).name = renames[old]


def main(argv: list[str] | None = None) -> int:
    """Console script ``genpo-assets --offline DEST``: build the offline asset root and print how to use it."""
    import argparse

    parser = argparse.ArgumentParser(prog="genpo-assets", description=__doc__.splitlines()[0])
    parser.add_argument("--offline", metavar="DEST", required=True, help="folder to write the asset root to")
    args = parser.parse_args(argv)
    for name, path in build_offline_assets(args.offline).items():
        print(f"{name}: {path}")
    print(f"export ISAACSIM_ASSET_ROOT={Path(args.offline).resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

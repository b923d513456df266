"""moto_ext: what moto 5.2.5 lacks for ecsnet's tests, as patches on moto's own backends and responses.

A package of its own, apart from the AWS-rules layer (../aws_rules/), so that it could be offered to moto upstream:
it changes what the emulator keeps and answers (state), while the rules layer refuses what AWS refuses in front
of it. `install()` patches moto in the process that calls it, before moto's server handles a request;
`run_moto_server.py` is moto_server with it installed (localstack/start.sh runs that).

  ecs.py         ECS services and their deployments keep serviceConnectConfiguration and vpcLatticeConfigurations
  vpclattice.py  VPC Lattice's missing operations, states and refusals (README.md lists them with their sources)
  ecs_lattice.py ECS registers its running tasks in the VPC Lattice target groups its configurations name
"""
import threading

_installed = False
_lock = threading.Lock()


def install() -> None:
    """Patch moto (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from . import ecs, ecs_lattice, vpclattice
        ecs.install()
        vpclattice.install()
        ecs_lattice.install()
        _installed = True

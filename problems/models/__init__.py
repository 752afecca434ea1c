from .problems import FishboneCause, Problem, ProblemWorkOrder

__all__ = ["FishboneCause", "Problem", "ProblemWorkOrder"]

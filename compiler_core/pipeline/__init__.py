"""optimize(), in the steps a reader expects, one module each:

1. inspect   (inspect.py)   read the model, its signature, its workload, the shapes to measure
2. baseline  (baseline.py)  the original under onnxruntime's defaults: latency per shape, reference outputs
3. search    (search.py)    build each candidate (a pass with its config), check accuracy, measure it
4. runoff    (runoff.py)    the best few meet again; confirmation; settings must beat their parent
5. route     (route.py)     the default candidate, and shapes routed to their own winners
6. package   (package.py)   write the package, load it back, check it
7. report    (report.py)    what was tried, what won and why (written inside the package)

run.py holds the recipe (`Optimization.run`) and `optimize()`.
"""

from .baseline import ACCURACY_BATCH_SIZE, ACCURACY_BATCHES, MAX_TOP1_BATCHES, accuracy_batch, top1_batches
from .run import Optimization, Progress, optimize
from .runoff import (DECIDING_ROUNDS, DECIDING_ROUNDS_BELOW_MS, RUNOFF_PRIMARY_ONLY, RUNOFF_SIZE, needs_another_runoff,
                     settings_that_earn_their_place)
from .search import CandidateResult

__all__ = ["ACCURACY_BATCH_SIZE", "ACCURACY_BATCHES", "accuracy_batch", "DECIDING_ROUNDS", "DECIDING_ROUNDS_BELOW_MS",
           "MAX_TOP1_BATCHES", "RUNOFF_PRIMARY_ONLY", "RUNOFF_SIZE", "CandidateResult", "Optimization", "Progress",
           "needs_another_runoff", "optimize", "settings_that_earn_their_place", "top1_batches"]

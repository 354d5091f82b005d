import numpy as np

from weaklabel.bench.review import lift_ratios, simulate, summarize
from weaklabel.bench.synthetic import sample_L


def test_simulated_study_records_every_budget_and_never_relabels():
    L, y = sample_L(1500, [0.85, 0.7, 0.65, 0.75], [0.5, 0.5, 0.4, 0.3], [0.6, 0.4], seed=2)
    Lt, yt = sample_L(300, [0.85, 0.7, 0.65, 0.75], [0.5, 0.5, 0.4, 0.3], [0.6, 0.4], seed=3)
    runs = []
    for strategy, seed in (("disagreement", 0), ("random", 0), ("random", 1)):
        runs += simulate(L, y, Lt, yt, strategy, budgets=(20, 40), batch=10, seed=seed)
    import pandas as pd

    res = pd.DataFrame(runs).assign(dataset="toy")
    assert res.groupby("strategy")["labels"].apply(list).to_dict() == {
        "disagreement": [0, 20, 40], "random": [0, 20, 40, 0, 20, 40]}
    s = summarize(res)
    # an oracle's labels are right, so train-label accuracy never falls below the start by much
    assert (s["train_lift"] > -0.01).all()
    ratios = lift_ratios(s, 40)
    assert set(ratios["strategy"]) == {"disagreement", "random"}
    assert ratios.loc[ratios["strategy"] == "random", "vs_random"].item() == 1.0 or np.isnan(
        ratios.loc[ratios["strategy"] == "random", "vs_random"].item())

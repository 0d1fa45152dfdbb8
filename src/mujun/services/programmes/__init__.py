"""The programmes of the 2021 plan (docs/programmes.md): the talent register, the 股改上市
pipeline, the incentive payments (奖补兑现) and the safety-award eligibility."""

"""The county's programmes (platform.md module 7, docs/programmes.md): 三服务2.0 requests, the
talent register, the 股改上市 pipeline, the incentive payments (奖补兑现) and the safety-award
eligibility."""

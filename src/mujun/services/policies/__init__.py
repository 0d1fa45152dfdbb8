"""The county's policies (评价办法): stored versions with their history (``stored``) and choosing
the policy a run or a what-if uses by name or by year (``choice``)."""

"""Investment projects (招商/重大项目): their stages and the 滞后 rule (docs/projects.md)."""

"""Investment projects (招商/重大项目): who reaches them, stage moves, imports, lists, the demo
(docs/projects.md)."""

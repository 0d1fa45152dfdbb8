"""English for every Chinese text of the pages (keys are the Chinese as written in templates)."""

EN: dict[str, str] = {
}

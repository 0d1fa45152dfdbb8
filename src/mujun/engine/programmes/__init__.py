"""The rules of the county's programmes (三服务2.0 …), pure: no store, no web."""

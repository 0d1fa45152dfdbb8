"""The county's programmes (platform.md module 7): 三服务2.0 requests, …"""

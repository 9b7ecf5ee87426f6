"""The Moodle client: the only code that knows Moodle's wire format.

    from bridge.moodle import MoodleClient, errors
    with MoodleClient("https://moodle.example.edu", token) as client:
        client.site_info()
"""
from bridge.moodle import errors
from bridge.moodle.client import MODNAMES, MoodleClient
from bridge.moodle.compat import API_VERSION, MIN_PLUGIN_VERSION
from bridge.moodle.flatten import flatten_params
from bridge.moodle.types import (
    CallStats,
    ImportResult,
    PluginInfo,
    RemoteModule,
    RemoteSection,
    UploadedFile,
    UploadResult,
    UpsertResult,
)

__all__ = [
    "API_VERSION", "MIN_PLUGIN_VERSION", "MODNAMES", "CallStats", "ImportResult", "MoodleClient",
    "PluginInfo", "RemoteModule", "RemoteSection", "UploadResult", "UploadedFile", "UpsertResult",
    "errors", "flatten_params",
]

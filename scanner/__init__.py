"""Frames in, decoded payloads out: camera, video and folder sources, the decoder, the loop.

Knows nothing of elections. Only this package imports OpenCV, pyzbar and zxing-cpp.

The booth's calls::

    events = queue.Queue()
    loop = start_camera_loop("0?width=640&height=480", events, validator=looks_like_a_token)
    ...  # every UI tick: for event in kiosk.scanning.drain(events): ...
    loop.stop()
"""

from scanner.decode import decode_frame
from scanner.errors import ScannerError, SourceLost, SourceUnavailable, SourceURLError
from scanner.loop import CameraLoop, start_camera_loop
from scanner.source_url import SourceSpec, parse_source_url
from scanner.sources import Frame, FrameSource, open_source

__all__ = ["decode_frame", "CameraLoop", "start_camera_loop", "open_source", "parse_source_url",
           "SourceSpec", "Frame", "FrameSource", "ScannerError", "SourceURLError", "SourceUnavailable",
           "SourceLost"]

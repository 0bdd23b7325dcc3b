"""Uppföljningar of citizen promises."""

"""Rendering: run a notebook with papermill, export HTML with nbconvert, print a PDF with
headless Chromium, publish atomically. Nothing here knows about markets."""

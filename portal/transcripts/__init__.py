"""Transcripts of voice notes, made on the council's own server with faster-whisper."""

"""The file store names files itself, keeps them inside its folder, and never half-writes."""
from __future__ import annotations

import os
import stat
import time

import pytest

from portal.media.storage import NAME, FileStore


@pytest.fixture
def store(tmp_path):
    return FileStore(tmp_path / "uploads")


def test_saved_file_gets_a_generated_name_and_reads_back(store):
    name = store.save(b"a drawing", "jpg")

    assert NAME.fullmatch(name) and name.endswith(".jpg")
    with store.open(name) as file:
        assert file.read() == b"a drawing"
    assert store.path(name).parent.parent == store.root


def test_two_saves_of_the_same_bytes_get_different_names(store):
    assert store.save(b"same", "png") != store.save(b"same", "png")


def test_store_is_private_to_the_portal_user(store):
    name = store.save(b"voice", "webm")

    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path(name).parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path(name).stat().st_mode) == 0o600


@pytest.mark.parametrize("name", [
    "../etc/passwd", "/etc/passwd", "..", "", "ab/../../x.jpg",
    "0123456789abcdef0123456789abcdef.jpg/../../x", "0123456789abcdef0123456789abcdef.JPG",
    "0123456789ABCDEF0123456789ABCDEF.jpg", "0123456789abcdef0123456789abcdef",
    "01/0123456789abcdef0123456789abcdef.jpg", "0123456789abcdef0123456789abcdef.jpg\x00",
    "photo.jpg", "0123456789abcdef0123456789abcdef.jpg\n",
])
def test_paths_outside_the_store_or_not_made_by_it_are_refused(store, name):
    with pytest.raises(ValueError):
        store.path(name)


@pytest.mark.parametrize("extension", ["", "../x", "jpg/", "JPG", "toolong", ".jpg"])
def test_odd_extensions_are_refused(store, extension):
    with pytest.raises(ValueError):
        store.save(b"x", extension)


def test_a_crash_during_save_leaves_no_file_under_a_real_name(store, monkeypatch):
    def power_cut(source, target):
        raise OSError("disk went away")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="disk went away"):
        store.save(b"half a voice note", "webm")

    assert [p for p in store.root.rglob("*") if p.is_file()] == []


def test_leftover_temporary_files_are_swept_once_old(store):
    name = store.save(b"kept", "jpg")
    shard = store.path(name).parent
    old, fresh = shard / ".tmp-old", shard / ".tmp-fresh"
    old.write_bytes(b"from a crash")
    fresh.write_bytes(b"being written now")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))

    assert store.sweep_temporaries(older_than_seconds=600) == 1

    assert not old.exists() and fresh.exists() and store.path(name).exists()


def test_deleted_file_is_gone_and_deleting_again_is_fine(store):
    name = store.save(b"bye", "png")

    store.delete(name)
    store.delete(name)

    assert not store.path(name).exists()
    with pytest.raises(FileNotFoundError):
        store.open(name)

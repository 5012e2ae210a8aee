"""Page weight of children's pages: HTML + CSS + JS + pictures, gzipped, and the number of requests.

Each child page must weigh at most 20 KB gzipped, all in (issue 16), well under GOV.UK
Frontend's own CSS + JS (about 27 KB gzipped). Pages are fetched with the Flask test
client as Mia (7, young.demo), with faces chosen and the Three Houses filled in, so the
check page draws its houses; the thank-you page comes last, after her form is sent.
Run: .venv/bin/python bench/page_weight.py
"""
from __future__ import annotations

import gzip
import re
import tempfile
from pathlib import Path

from portal import create_app, migrate
from portal.config import Config

GOVUK_FRONTEND_KB = 27.0
CHILD_PAGE_BUDGET_KB = 20.0
SIGNED_OUT = ["/sign-in", "/start", "/help", "/settings"]
SIGNED_IN = ["/", "/help", "/settings", "/settings/password", "/my-say", "/my-say/form/home_feel",
             "/my-say/form/worries", "/my-say/form/who_there", "/my-say/form/check",
             "/my-say/picture", "/my-say/poem", "/my-say/voice", "/my-things", "/messages",
             "/meet-your-isro", "/my-letters", "/my-plan", "/my-say/quick-say",
             "/my-say/plan-my-review",
             "/advocate", "EXPRESS", "/my-say/form/home_feel", "/my-say/form/who_there",
             "/my-say/form/worries", "/my-say/form/worries/say", "SENT"]
# Mia's answers before the pages are weighed: a face, and words in each of the houses.
ANSWERS = {"home_feel": "great", "school_feel": "ok", "worries": "When mum does not come to "
           "family time and nobody tells me why", "good_things": "My dog Biscuit and my "
           "teacher Mr Lee", "dreams": "To live with my brother again one day"}
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/static/[^"]+)"')


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    config = Config(env="testing", secret_key="bench-" + "x" * 40,
                    database_url=f"sqlite:///{tmp / 'bench.sqlite3'}",
                    instance_dir=tmp, upload_dir=tmp / "uploads", demo_password="bench password 1")
    migrate.upgrade(config.database_url)
    app = create_app(config)
    with app.app_context():
        from portal import demo

        demo.load(password="bench password 1")
    client = app.test_client()
    print(f"{'page':<36}{'html':>8}{'assets':>9}{'total':>9}{'requests':>10}   (KB gzipped)")
    worst, express = 0.0, False
    for path, signed_in in [(p, False) for p in SIGNED_OUT] + [(p, True) for p in SIGNED_IN]:
        if signed_in and path == SIGNED_IN[0]:
            page = client.get("/sign-in").get_data(as_text=True)
            token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                              page).group(1)
            client.post("/sign-in", data={"csrf_token": token, "username": "young.demo",
                                          "password": "bench password 1"})
            page = client.get("/my-say").get_data(as_text=True)
            token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                              page).group(1)
            client.post("/my-say/form/start", data={"csrf_token": token})
            for question, answer in ANSWERS.items():
                client.post(f"/my-say/form/{question}", data={
                    "csrf_token": token, "answer": answer, "action": "next"})
        if path == "EXPRESS":  # the same questions again, in Express mode (issue 16)
            with app.app_context():
                from portal import db
                from portal.accounts.operations import find_account

                account = find_account("young.demo")
                account.settings = {**(account.settings or {}), "express": True}
                db.session().commit()
            express = True
            continue
        if path == "SENT":
            token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                              client.get("/my-say/form/check").get_data(as_text=True)).group(1)
            sent = client.post("/my-say/form/send", data={"csrf_token": token})
            path = sent.headers["Location"]
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, (path, response.status_code)
        html = response.data
        assets = sorted(set(ASSET.findall(html.decode())))
        asset_bytes = sum(gz(client.get(a).data) for a in assets)
        total = (gz(html) + asset_bytes) / 1024
        if signed_in:
            worst = max(worst, total)
        label = f"{path} ({'express' if express else 'signed in' if signed_in else 'signed out'})"
        print(f"{label:<36}{gz(html) / 1024:>8.1f}{asset_bytes / 1024:>9.1f}{total:>9.1f}"
              f"{1 + len(assets):>10}")
    verdict = "within" if worst <= CHILD_PAGE_BUDGET_KB else "OVER"
    print(f"heaviest child page: {worst:.1f} KB; budget {CHILD_PAGE_BUDGET_KB:.0f} KB: {verdict}"
          f" (GOV.UK Frontend CSS+JS alone: {GOVUK_FRONTEND_KB:.0f} KB)")


if __name__ == "__main__":
    main()

"""The commands people use: init-db, demo, demo-code, create-account."""
from dataclasses import replace

from portal import create_app
from tests.helpers import PASSWORD, TOTP_SECRET, sign_in


def test_demo_loads_believable_people_and_prints_their_sign_ins(app):
    config = replace(app.config["PORTAL"], demo_password=PASSWORD, demo_totp_secret=TOTP_SECRET)
    demo_app = create_app(config)
    result = demo_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for username in ("isro.demo", "manager.demo", "child.demo", "young.demo", "teen.ar.demo",
                     "carer.demo", "advocate.demo"):
        assert username in result.output
    assert PASSWORD in result.output and TOTP_SECRET in result.output
    client = demo_app.test_client()
    assert sign_in(client, "teen.ar.demo").status_code == 302
    assert 'lang="ar"' in client.get("/").get_data(as_text=True)
    again = demo_app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0


def test_demo_ages_are_as_described(app, demo):
    from datetime import date

    from portal.accounts.operations import find_account

    with app.app_context():
        ages = {u: find_account(u).child.age_on(date.today())
                for u in ("child.demo", "young.demo", "teen.ar.demo")}
    assert ages == {"child.demo": 14, "young.demo": 7, "teen.ar.demo": 16}


def test_demo_code_prints_the_current_staff_code(app, demo):
    import time

    import pyotp

    result = app.test_cli_runner().invoke(args=["demo-code"])
    totp = pyotp.TOTP(TOTP_SECRET)
    assert result.output.strip() in {totp.at(time.time() + d) for d in (-30, 0, 30)}


def test_demo_data_refuses_production(app, tmp_path):
    config = replace(app.config["PORTAL"], env="production", secret_key="s" * 40,
                     instance_dir=tmp_path)
    result = create_app(config).test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "never loaded" in result.output


def test_create_account_prints_a_setup_code(app):
    result = app.test_cli_runner().invoke(args=[
        "create-account", "--role", "isro", "--username", "new.isro", "--name", "New ISRO"])
    assert result.exit_code == 0, result.output
    assert "Setup code" in result.output and "/start" in result.output
    taken = app.test_cli_runner().invoke(args=[
        "create-account", "--role", "isro", "--username", "new.isro", "--name", "Again"])
    assert taken.exit_code != 0


def test_init_db_reaches_the_latest_migration(tmp_path, test_config):
    config = replace(test_config, database_url=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
                     instance_dir=tmp_path)
    result = create_app(config).test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_add_a_child_and_link_a_carer_then_end_the_link(app):
    from datetime import date

    runner = app.test_cli_runner()
    runner.invoke(args=["create-account", "--role", "isro", "--username", "new.isro",
                        "--name", "New ISRO"])
    runner.invoke(args=["create-account", "--role", "carer", "--username", "new.carer",
                        "--name", "New Carer"])
    result = runner.invoke(args=["add-child", "--name", "Zara", "--born", "2015-03-02",
                                 "--looked-after-since", "2025-12-15", "--isro", "new.isro",
                                 "--reference", "Z1", "--language", "ar"])
    assert result.exit_code == 0, result.output
    assert "first review due by 15/01/2026" in result.output  # 20 working days, over Christmas
    assert runner.invoke(args=["link", "--person", "new.carer", "--child", "Z1"]).exit_code == 0
    from portal.access import visible_children
    from portal.accounts.operations import find_account

    with app.app_context():
        from portal import db

        carer = find_account("new.carer")
        assert [c.preferred_name for c in db.session().scalars(visible_children(carer))] == [
            "Zara"]
    assert runner.invoke(args=["link", "--person", "new.carer", "--child", "Z1",
                               "--ends", date.today().isoformat()]).exit_code == 0
    with app.app_context():
        assert list(db.session().scalars(visible_children(find_account("new.carer")))) == []
    bad = runner.invoke(args=["add-child", "--name", "X", "--born", "2015-03-02",
                              "--looked-after-since", "2025-12-15", "--isro", "new.carer"])
    assert bad.exit_code != 0

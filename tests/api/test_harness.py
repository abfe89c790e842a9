"""The harness itself: the API answers from a migrated private database."""


async def test_register_stores_user(client, db):
    from tests.support.users import register

    user = await register(client, timezone="Europe/Berlin")
    row = await db.fetchrow("SELECT email, timezone, password_hash FROM users WHERE id = $1::uuid",
                            user.id)
    assert row["email"] == user.email
    assert row["timezone"] == "Europe/Berlin"
    assert row["password_hash"].startswith("$argon2")


async def test_predefined_tags_seeded(db):
    rows = await db.fetch("SELECT DISTINCT category FROM tags WHERE is_predefined")
    cats = {r["category"] for r in rows}
    assert cats == {"priority", "technology", "activity_focus", "collaboration", "skills"}

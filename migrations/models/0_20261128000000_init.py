"""Initial schema: the seed's tables, constraints and indexes.

Written as raw SQL because Tortoise cannot express CHECK constraints, generated
columns or partial indexes. The Tortoise models in backend/db/models.py mirror it.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
-- aerich's own bookkeeping table; aerich's generated init migrations create it the same way.
CREATE TABLE IF NOT EXISTS aerich (
    id      SERIAL PRIMARY KEY,
    version VARCHAR(255) NOT NULL,
    app     VARCHAR(100) NOT NULL,
    content JSONB NOT NULL
);

CREATE TABLE users (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email           VARCHAR(255) NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    first_name      VARCHAR(100) NOT NULL DEFAULT '',
    last_name       VARCHAR(100) NOT NULL DEFAULT '',
    timezone        VARCHAR(64)  NOT NULL DEFAULT 'UTC',
    preferences     JSONB        NOT NULL DEFAULT '{}'::jsonb,
    is_active       BOOLEAN      NOT NULL DEFAULT TRUE,
    last_login_at   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower_uq ON users (lower(email));

-- One row per login session (refresh-token family). current_jti is the only
-- refresh token of the family that may still be used.
CREATE TABLE auth_sessions (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    current_jti     UUID NOT NULL,
    user_agent      VARCHAR(255) NOT NULL DEFAULT '',
    ip              VARCHAR(64)  NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    revoked_reason  VARCHAR(64)
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_token_denylist (
    jti             UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id      UUID,
    reason          VARCHAR(32) NOT NULL DEFAULT 'rotated',
    expires_at      TIMESTAMPTZ NOT NULL,
    denylisted_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX refresh_token_denylist_denylisted_at_idx ON refresh_token_denylist (denylisted_at);
CREATE INDEX refresh_token_denylist_user_idx ON refresh_token_denylist (user_id);

CREATE TABLE teams (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name            VARCHAR(100) NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    created_by      UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE user_teams (
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id         UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    role            VARCHAR(20) NOT NULL DEFAULT 'member'
                    CHECK (role IN ('member', 'lead', 'admin')),
    joined_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, team_id)
);
CREATE INDEX user_teams_team_idx ON user_teams (team_id);

CREATE TABLE projects (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id        UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id         UUID REFERENCES teams(id) ON DELETE SET NULL,
    name            VARCHAR(100) NOT NULL CHECK (length(btrim(name)) > 0),
    description     TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    color           VARCHAR(7) NOT NULL DEFAULT '#3b82f6' CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    status          VARCHAR(20) NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'completed', 'on_hold', 'cancelled')),
    start_date      DATE,
    end_date        DATE,
    is_default      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT projects_dates_ck CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE UNIQUE INDEX projects_owner_name_uq ON projects (owner_id, lower(name));
CREATE INDEX projects_owner_status_idx ON projects (owner_id, status);

CREATE TABLE log_entries (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- RESTRICT: deleting a project that still has entries is refused (409), never silent.
    project_id      UUID REFERENCES projects(id) ON DELETE RESTRICT,
    title           VARCHAR(200) NOT NULL CHECK (length(btrim(title)) > 0),
    description     TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    activity_type   VARCHAR(20) NOT NULL CHECK (activity_type IN
                    ('meeting', 'code', 'debug', 'docs', 'mentoring',
                     'review', 'planning', 'learning', 'ops', 'admin')),
    start_time      TIMESTAMPTZ NOT NULL,
    end_time        TIMESTAMPTZ NOT NULL,
    duration_minutes INTEGER GENERATED ALWAYS AS
                    ((EXTRACT(EPOCH FROM (end_time - start_time)) / 60)::integer) STORED,
    value_rating    VARCHAR(10) NOT NULL DEFAULT 'medium'
                    CHECK (value_rating IN ('low', 'medium', 'high')),
    impact_level    VARCHAR(10) NOT NULL DEFAULT 'personal'
                    CHECK (impact_level IN ('personal', 'team', 'product', 'company')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT log_entries_time_order_ck CHECK (end_time > start_time)
);
CREATE INDEX log_entries_user_start_idx ON log_entries (user_id, start_time DESC);
CREATE INDEX log_entries_user_type_idx ON log_entries (user_id, activity_type);
CREATE INDEX log_entries_user_project_idx ON log_entries (user_id, project_id);
CREATE INDEX log_entries_project_idx ON log_entries (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX log_entries_user_value_impact_idx ON log_entries (user_id, value_rating, impact_level);

-- Predefined tags have user_id NULL and are visible to everyone; a user's own tags are private.
CREATE TABLE tags (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID REFERENCES users(id) ON DELETE CASCADE,
    name            VARCHAR(50) NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]*$'),
    category        VARCHAR(30),
    color           VARCHAR(7) NOT NULL DEFAULT '#6b7280',
    description     TEXT NOT NULL DEFAULT '',
    is_predefined   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT tags_predefined_ck CHECK (is_predefined = (user_id IS NULL))
);
CREATE UNIQUE INDEX tags_user_name_uq ON tags (user_id, name) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX tags_predefined_name_uq ON tags (name) WHERE user_id IS NULL;
CREATE INDEX tags_category_idx ON tags (category);

CREATE TABLE log_entry_tags (
    log_entry_id    UUID NOT NULL REFERENCES log_entries(id) ON DELETE CASCADE,
    tag_id          UUID NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (log_entry_id, tag_id)
);
CREATE INDEX log_entry_tags_tag_idx ON log_entry_tags (tag_id);

-- At most one running timer per user: the primary key is the user.
CREATE TABLE active_timers (
    user_id         UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    title           VARCHAR(200) NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    activity_type   VARCHAR(20) NOT NULL DEFAULT 'code' CHECK (activity_type IN
                    ('meeting', 'code', 'debug', 'docs', 'mentoring',
                     'review', 'planning', 'learning', 'ops', 'admin')),
    project_id      UUID REFERENCES projects(id) ON DELETE SET NULL,
    tags            JSONB NOT NULL DEFAULT '[]'::jsonb,
    value_rating    VARCHAR(10) NOT NULL DEFAULT 'medium'
                    CHECK (value_rating IN ('low', 'medium', 'high')),
    impact_level    VARCHAR(10) NOT NULL DEFAULT 'personal'
                    CHECK (impact_level IN ('personal', 'team', 'product', 'company')),
    started_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE generated_insights (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    report_type     VARCHAR(20) NOT NULL CHECK (report_type IN
                    ('daily', 'weekly', 'sprint', 'monthly', 'quarterly', 'annual')),
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    status          VARCHAR(20) NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    title           VARCHAR(200) NOT NULL DEFAULT '',
    content         TEXT NOT NULL DEFAULT '',
    summary         TEXT NOT NULL DEFAULT '',
    facts           JSONB NOT NULL DEFAULT '{}'::jsonb,
    metadata        JSONB NOT NULL DEFAULT '{}'::jsonb,
    options         JSONB NOT NULL DEFAULT '{}'::jsonb,
    fingerprint     VARCHAR(64) NOT NULL DEFAULT '',
    model           VARCHAR(200) NOT NULL DEFAULT '',
    prompt_tokens   INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    generation_ms   INTEGER NOT NULL DEFAULT 0,
    progress        INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stage           VARCHAR(100) NOT NULL DEFAULT '',
    error           TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at    TIMESTAMPTZ,
    CONSTRAINT generated_insights_period_ck CHECK (period_end >= period_start)
);
CREATE INDEX generated_insights_user_created_idx ON generated_insights (user_id, created_at DESC);
CREATE INDEX generated_insights_user_type_period_idx
    ON generated_insights (user_id, report_type, period_start, period_end);

CREATE TABLE tasks (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID REFERENCES users(id) ON DELETE CASCADE,
    task_type       VARCHAR(50) NOT NULL,
    payload         JSONB NOT NULL DEFAULT '{}'::jsonb,
    result          JSONB,
    status          VARCHAR(20) NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    priority        INTEGER NOT NULL DEFAULT 100,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    run_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_owner     VARCHAR(200),
    lease_expires_at TIMESTAMPTZ,
    progress        INTEGER NOT NULL DEFAULT 0,
    stage           VARCHAR(100) NOT NULL DEFAULT '',
    last_error      TEXT,
    -- Lets recurring jobs be enqueued idempotently, e.g. 'weekly-report:<user>:2026-11-30'.
    dedupe_key      VARCHAR(200),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at      TIMESTAMPTZ,
    completed_at    TIMESTAMPTZ
);
CREATE INDEX tasks_claim_idx ON tasks (priority, run_at) WHERE status = 'queued';
CREATE INDEX tasks_lease_idx ON tasks (lease_expires_at) WHERE status = 'running';
CREATE INDEX tasks_user_idx ON tasks (user_id);
CREATE INDEX tasks_completed_idx ON tasks (completed_at) WHERE status IN ('completed', 'failed', 'cancelled');
CREATE UNIQUE INDEX tasks_dedupe_uq ON tasks (dedupe_key) WHERE dedupe_key IS NOT NULL;

CREATE TABLE scheduled_deletions (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    requested_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    scheduled_for   TIMESTAMPTZ NOT NULL,
    status          VARCHAR(20) NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'processing', 'completed', 'cancelled')),
    reason          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scheduled_deletions_due_idx ON scheduled_deletions (scheduled_for) WHERE status = 'pending';

INSERT INTO tags (name, category, is_predefined, description) VALUES
    ('p0-critical', 'priority', TRUE, 'Drop everything'),
    ('p1-high', 'priority', TRUE, 'High priority'),
    ('p2-medium', 'priority', TRUE, 'Normal priority'),
    ('p3-low', 'priority', TRUE, 'Low priority'),
    ('python', 'technology', TRUE, ''),
    ('go', 'technology', TRUE, ''),
    ('javascript', 'technology', TRUE, ''),
    ('typescript', 'technology', TRUE, ''),
    ('sql', 'technology', TRUE, ''),
    ('docker', 'technology', TRUE, ''),
    ('kubernetes', 'technology', TRUE, ''),
    ('aws', 'technology', TRUE, ''),
    ('react', 'technology', TRUE, ''),
    ('bug-fix', 'activity_focus', TRUE, ''),
    ('feature', 'activity_focus', TRUE, ''),
    ('refactoring', 'activity_focus', TRUE, ''),
    ('performance', 'activity_focus', TRUE, ''),
    ('security', 'activity_focus', TRUE, ''),
    ('testing', 'activity_focus', TRUE, ''),
    ('documentation', 'activity_focus', TRUE, ''),
    ('incident', 'activity_focus', TRUE, ''),
    ('pair-programming', 'collaboration', TRUE, ''),
    ('cross-team', 'collaboration', TRUE, ''),
    ('stakeholder', 'collaboration', TRUE, ''),
    ('one-on-one', 'collaboration', TRUE, ''),
    ('architecture', 'skills', TRUE, ''),
    ('leadership', 'skills', TRUE, ''),
    ('communication', 'skills', TRUE, ''),
    ('system-design', 'skills', TRUE, ''),
    ('problem-solving', 'skills', TRUE, '');
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS scheduled_deletions, tasks, generated_insights, active_timers,
    log_entry_tags, tags, log_entries, projects, user_teams, teams,
    refresh_token_denylist, auth_sessions, users CASCADE;
"""

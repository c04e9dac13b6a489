//! diesel's view of the tables, written to match `migrations/*/up.sql`.
//!
//! The migration test checks that the migrations apply and revert on both engines;
//! the end-to-end suite proves these declarations agree with them.

diesel::table! {
    centers (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        description -> Text,
        time_zone -> Text,
        currency -> Text,
        minimum_hourly_rate -> BigInt,
        created_at -> Timestamp,
        max_daily_minutes -> Integer,
        closing_day -> Integer,
        withholding_enabled -> Bool,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        center_id -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        locale -> Text,
        email_verified_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        email -> Text,
        address -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        token_hash -> Text,
        email -> Text,
        role -> Text,
        center_id -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        locale -> Text,
    }
}

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notice_preferences (user_id, notice) {
        user_id -> Text,
        notice -> Text,
        enabled -> Bool,
        delivery -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        channel -> Text,
        recipient_user_id -> Nullable<Text>,
        recipient -> Text,
        locale -> Text,
        template -> Text,
        data -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        center_id -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        url -> Text,
        description -> Text,
        event_types -> Text,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        failing_since -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        latency_ms -> BigInt,
        response_excerpt -> Text,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    housekeeping_runs (job) {
        job -> Text,
        last_run_at -> Timestamp,
    }
}

diesel::joinable!(users -> centers (center_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::table! {
    jobs (id) {
        id -> Text,
        center_id -> Text,
        organization_id -> Text,
        created_by -> Text,
        title -> Text,
        description -> Text,
        category -> Text,
        required_skills -> Text,
        pricing -> Text,
        budget_amount -> BigInt,
        currency -> Text,
        due_at -> Timestamp,
        deliverable_spec -> Text,
        preferred_team_id -> Nullable<Text>,
        status -> Text,
        decline_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    quotes (id) {
        id -> Text,
        job_id -> Text,
        center_id -> Text,
        director_id -> Text,
        estimated_minutes -> BigInt,
        price_amount -> BigInt,
        currency -> Text,
        planned_delivery_at -> Timestamp,
        note -> Text,
        status -> Text,
        decision_reason -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tasks (id) {
        id -> Text,
        job_id -> Text,
        center_id -> Text,
        title -> Text,
        instructions -> Text,
        estimated_minutes -> BigInt,
        due_at -> Timestamp,
        skill -> Nullable<Text>,
        status -> Text,
        assignee_id -> Nullable<Text>,
        current_submission_id -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        team_id -> Nullable<Text>,
        min_level -> Nullable<Integer>,
    }
}

diesel::table! {
    submissions (id) {
        id -> Text,
        task_id -> Text,
        center_id -> Text,
        version_number -> BigInt,
        author_id -> Text,
        by_director -> Bool,
        result_text -> Text,
        links -> Text,
        payload -> Nullable<Text>,
        note -> Text,
        created_at -> Timestamp,
        estimated_minutes -> BigInt,
    }
}

diesel::table! {
    reviews (id) {
        id -> Text,
        task_id -> Text,
        submission_id -> Text,
        center_id -> Text,
        reviewer_id -> Text,
        verdict -> Text,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        job_id -> Text,
        center_id -> Text,
        created_by -> Text,
        note -> Text,
        status -> Text,
        decision_reason -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    delivery_items (delivery_id, task_id) {
        delivery_id -> Text,
        task_id -> Text,
        submission_id -> Text,
    }
}

diesel::table! {
    comments (id) {
        id -> Text,
        center_id -> Text,
        job_id -> Text,
        task_id -> Nullable<Text>,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        center_id -> Text,
        job_id -> Nullable<Text>,
        task_id -> Nullable<Text>,
        actor_id -> Text,
        kind -> Text,
        from_state -> Nullable<Text>,
        to_state -> Nullable<Text>,
        details -> Text,
        created_at -> Timestamp,
        organization_id -> Nullable<Text>,
    }
}

diesel::table! {
    skills (center_id, slug) {
        center_id -> Text,
        slug -> Text,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    skill_assessments (id) {
        id -> Text,
        center_id -> Text,
        worker_id -> Text,
        skill -> Text,
        level -> Integer,
        evidence -> Text,
        assessed_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    worker_skills (worker_id, skill) {
        worker_id -> Text,
        center_id -> Text,
        skill -> Text,
        level -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    worker_profiles (worker_id) {
        worker_id -> Text,
        center_id -> Text,
        work_modes -> Text,
        weekly_cap_minutes -> Integer,
        daily_cap_minutes -> Integer,
        time_zone -> Text,
        accommodations -> Text,
        public_name -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    availability_windows (id) {
        id -> Text,
        center_id -> Text,
        worker_id -> Text,
        weekday -> Integer,
        start_minute -> Integer,
        end_minute -> Integer,
    }
}

diesel::table! {
    availability_exceptions (id) {
        id -> Text,
        center_id -> Text,
        worker_id -> Text,
        day -> Text,
        kind -> Text,
        start_minute -> Nullable<Integer>,
        end_minute -> Nullable<Integer>,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    teams (id) {
        id -> Text,
        center_id -> Text,
        name -> Text,
        description -> Text,
        public -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    team_members (team_id, worker_id) {
        team_id -> Text,
        worker_id -> Text,
        center_id -> Text,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    worker_stats (worker_id) {
        worker_id -> Text,
        center_id -> Text,
        submissions -> BigInt,
        reviewed_tasks -> BigInt,
        first_pass_approvals -> BigInt,
        changes_requested -> BigInt,
        director_fixes -> BigInt,
        approved_tasks -> BigInt,
        on_time_approvals -> BigInt,
        approved_minutes -> BigInt,
    }
}

diesel::table! {
    worker_commitments (worker_id) {
        worker_id -> Text,
        committed_minutes -> BigInt,
    }
}

diesel::table! {
    roster_versions (center_id) {
        center_id -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    roster_changes (center_id, worker_id) {
        center_id -> Text,
        worker_id -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        center_id -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        scopes -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    rate_limit_counters (caller, window_start) {
        caller -> Text,
        window_start -> BigInt,
        hits -> Integer,
    }
}

diesel::table! {
    idempotency_records (caller, idempotency_key) {
        caller -> Text,
        idempotency_key -> Text,
        fingerprint -> Text,
        state -> Text,
        locked_until -> Timestamp,
        status_code -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_keys -> users (created_by));
diesel::joinable!(tasks -> jobs (job_id));
diesel::joinable!(submissions -> tasks (task_id));
diesel::joinable!(delivery_items -> deliveries (delivery_id));
diesel::joinable!(delivery_items -> submissions (submission_id));

diesel::allow_tables_to_appear_in_same_query!(
    centers,
    invoices,
    invoice_lines,
    invoice_counters,
    invoiced_jobs,
    billing_settings,
    pay_periods,
    pay_statements,
    worker_withholding,
    minimum_wages,
    pay_rates,
    time_entries,
    organizations,
    sessions,
    refresh_tokens,
    login_failures,
    invitations,
    account_tokens,
    notice_preferences,
    outbox,
    housekeeping_runs,
    webhook_endpoints,
    webhook_deliveries,
    webhook_attempts,
    api_keys,
    jobs,
    quotes,
    tasks,
    submissions,
    reviews,
    deliveries,
    delivery_items,
    comments,
    events,
    users,
    skills,
    skill_assessments,
    worker_skills,
    worker_profiles,
    availability_windows,
    availability_exceptions,
    teams,
    roster_versions,
    worker_commitments,
    team_members,
    worker_stats,
);

diesel::table! {
    minimum_wages (center_id, effective_from) {
        center_id -> Text,
        effective_from -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        set_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pay_rates (worker_id, effective_from) {
        worker_id -> Text,
        effective_from -> Text,
        center_id -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        set_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    time_entries (id) {
        id -> Text,
        center_id -> Text,
        worker_id -> Text,
        job_id -> Text,
        task_id -> Text,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        minutes -> Nullable<BigInt>,
        note -> Text,
        status -> Text,
        original_started_at -> Nullable<Timestamp>,
        original_ended_at -> Nullable<Timestamp>,
        adjustment_reason -> Nullable<Text>,
        adjusted_by -> Nullable<Text>,
        rejection_reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        statement_id -> Nullable<Text>,
    }
}

diesel::table! {
    worker_withholding (worker_id) {
        worker_id -> Text,
        center_id -> Text,
        withheld -> Bool,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pay_periods (center_id, period) {
        center_id -> Text,
        period -> Text,
        first_day -> Text,
        last_day -> Text,
        closed_by -> Text,
        closed_at -> Timestamp,
    }
}

diesel::table! {
    pay_statements (id) {
        id -> Text,
        center_id -> Text,
        period -> Text,
        worker_id -> Text,
        display_name -> Text,
        minutes -> BigInt,
        exact_sixtieths -> BigInt,
        gross -> BigInt,
        withholding -> BigInt,
        net -> BigInt,
        currency -> Text,
        lines -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    billing_settings (center_id) {
        center_id -> Text,
        legal_name -> Text,
        address -> Text,
        registration_number -> Text,
        default_tax_rate -> Integer,
        tax_rounding -> Text,
        payment_terms_days -> Integer,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invoice_counters (center_id) {
        center_id -> Text,
        last_number -> BigInt,
    }
}

diesel::table! {
    invoices (id) {
        id -> Text,
        center_id -> Text,
        organization_id -> Text,
        job_id -> Nullable<Text>,
        period -> Nullable<Text>,
        kind -> Text,
        credits_invoice_id -> Nullable<Text>,
        status -> Text,
        number -> Nullable<BigInt>,
        currency -> Text,
        transaction_date -> Text,
        issued_on -> Nullable<Text>,
        due_on -> Nullable<Text>,
        issuer -> Nullable<Text>,
        recipient_name -> Text,
        tax_rounding -> Text,
        subtotal_standard -> BigInt,
        tax_standard -> BigInt,
        subtotal_reduced -> BigInt,
        tax_reduced -> BigInt,
        total -> BigInt,
        note -> Text,
        reason -> Nullable<Text>,
        paid_amount -> Nullable<BigInt>,
        paid_on -> Nullable<Text>,
        overdue_at -> Nullable<Timestamp>,
        created_by -> Text,
        issued_by -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invoice_lines (invoice_id, position) {
        invoice_id -> Text,
        position -> Integer,
        description -> Text,
        job_id -> Nullable<Text>,
        minutes -> Nullable<BigInt>,
        amount -> BigInt,
        tax_rate -> Integer,
    }
}

diesel::table! {
    invoiced_jobs (job_id) {
        job_id -> Text,
        invoice_id -> Text,
    }
}

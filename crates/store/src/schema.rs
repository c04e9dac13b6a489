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
        skill_tag -> Nullable<Text>,
        status -> Text,
        assignee_id -> Nullable<Text>,
        current_submission_id -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
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
        job_id -> Text,
        task_id -> Nullable<Text>,
        actor_id -> Text,
        kind -> Text,
        from_state -> Nullable<Text>,
        to_state -> Nullable<Text>,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(tasks -> jobs (job_id));
diesel::joinable!(submissions -> tasks (task_id));
diesel::joinable!(delivery_items -> deliveries (delivery_id));
diesel::joinable!(delivery_items -> submissions (submission_id));

diesel::allow_tables_to_appear_in_same_query!(
    centers,
    organizations,
    sessions,
    refresh_tokens,
    login_failures,
    invitations,
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
);

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

diesel::allow_tables_to_appear_in_same_query!(
    centers,
    organizations,
    users,
    sessions,
    refresh_tokens,
    login_failures,
    invitations,
);

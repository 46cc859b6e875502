/** Queue names under the configured prefix (`<prefix>:checks:*`, `<prefix>:notifications:*`). */
export const CHECK_QUEUE = 'checks';
export const NOTIFY_QUEUE = 'notifications';

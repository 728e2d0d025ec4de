/** The migrated database every integration test file clones its own from. */
export const TEMPLATE_DATABASE = "pc_test_template";

# tests/lib.sh, the integration tests' own helpers.
INTEGRATION_TESTS += tests/integration/testlib.sh

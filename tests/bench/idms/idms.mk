# The bench's IdM servers (issue 14): glewlwyd, configured by start.sh, and
# idms.py (token exchange, partner IdMS). idms.sh drives mcmig-idm, the
# helper mcmigd runs (agent/idm-helper.c), alone against them.
INTEGRATION_TESTS += tests/integration/idms.sh
INTEGRATION_TESTS += tests/integration/e2e-idm.sh
INTEGRATION_TESTS += tests/integration/e2e-idm-service.sh

"""The units' ledgers besides study: 二三五 practice, rectification, leaders, publicity."""

"""Shared test set-up.

The repository root is the `pgt` package and holds an `__init__.py`, so pytest imports it
as a package named after the checkout folder. A checkout in a folder named `docx` would then
shadow python-docx (`import docx` finding the repository root): importing python-docx here,
before pytest sets the root package up, keeps the real one in `sys.modules`.
"""

import docx  # noqa: F401  (python-docx, see above)

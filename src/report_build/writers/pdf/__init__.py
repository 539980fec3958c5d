"""The PDF writer's package; WeasyPrint is imported here first, without its slow library search
(:mod:`.libraries`), whichever of its modules is imported first."""

from .libraries import import_weasyprint

import_weasyprint()

"""Only what setup.cfg cannot say: a built (non-editable) install carries the project's
``templates/`` and the Moodle plugin's source inside the package, as ``bridge/_data/``,
so an installed certbridge renders reports and builds the plugin zip like a checkout."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Folder in the checkout → folder under bridge/_data/ (see bridge/data.py).
DATA = {"templates": "templates", "moodle/local/certbridge": "plugin"}


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        for source, target in DATA.items():
            dest = Path(self.build_lib) / "bridge" / "_data" / target
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(ROOT / source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithData})

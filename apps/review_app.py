"""The review app's Streamlit script, for ``streamlit run apps/review_app.py -- --project FILE``
from a checkout. The app itself ships inside the package (``weaklabel/app/``) so that ``pip
install .`` brings it; ``weaklabel app --project FILE`` serves it the same way.
"""

from weaklabel.app.review_app import main

main()

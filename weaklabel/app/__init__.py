"""Streamlit apps. The only place in the project that imports streamlit."""

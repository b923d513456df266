"""The AWS-rules layer: rules of real AWS that the emulator does not enforce (see core.py)."""

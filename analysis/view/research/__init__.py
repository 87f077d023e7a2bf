"""view/research"""

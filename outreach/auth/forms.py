"""Sign-in and password forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    next = StringField()


class PasswordChangeForm(FlaskForm):
    """Current password, and the new one twice."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    # The rules (length, common passwords, not the email) and their messages live in
    # outreach.auth.passwords, shared with the `users` commands.
    new_password = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The two entries differ.")],
    )
